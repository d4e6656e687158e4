// Obviously synthetic personal data for seeds: names say "Synthetic", identity
// numbers have the national 18-character shape (with a valid check character)
// but a birth date and sequence that mark them as generated.
import type { Random } from './random';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 characters of an identity number. */
export function identityCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export function isValidIdentityNumber(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && identityCheckCharacter(value.slice(0, 17)) === value[17];
}

export interface SyntheticPerson {
  name: string;
  idNumber: string;
  phone: string;
}

/** A synthetic person registered in a county (the first six digits of the number). */
export function syntheticPerson(random: Random, countyCode: string, serial: number): SyntheticPerson {
  const birth = `${random.int(1950, 2004)}${String(random.int(1, 12)).padStart(2, '0')}${String(random.int(1, 28)).padStart(2, '0')}`;
  const first17 = `${countyCode.slice(0, 6)}${birth}${String(serial % 1000).padStart(3, '0')}`;
  return {
    name: `Synthetic Person ${serial}`,
    idNumber: first17 + identityCheckCharacter(first17),
    phone: `1990000${String(serial % 10000).padStart(4, '0')}`,
  };
}
