// The languages an education event may be recorded in. Events are counted and
// filtered by language (`EducationEventFilter.language` is an exact match), so
// a free-text name would split one language's figures over its spellings
// ("Uyghur", "uyghur", "Uighur"). The list holds the languages of Xinjiang's
// recognised ethnic groups (the Hui and Manchu mostly speak Mandarin), under
// the names the seed data uses; a new language is one line here.
import { badUserInput } from '../../platform/core/errors';

const LANGUAGES = [
  'Mandarin', 'Uyghur', 'Kazakh', 'Kyrgyz', 'Mongolian', 'Xibe', 'Tajik', 'Uzbek', 'Russian', 'Tatar', 'Daur',
] as const;

/** Other spellings taken as a listed language (lower case). */
const ALIASES: Readonly<Record<string, (typeof LANGUAGES)[number]>> = {
  uighur: 'Uyghur',
  kirghiz: 'Kyrgyz',
  kirgiz: 'Kyrgyz',
  sibe: 'Xibe',
  chinese: 'Mandarin',
  putonghua: 'Mandarin',
};

const BY_LOWER_CASE = new Map<string, string>([
  ...LANGUAGES.map((name) => [name.toLowerCase(), name] as [string, string]),
  ...Object.entries(ALIASES),
]);

/** Longest language name accepted before looking it up (a guard for error messages). */
const MAX_LANGUAGE_LENGTH = 40;

/** One or more listed languages, each once, under their listed names. */
export function requireLanguages(field: string, values: readonly string[]): string[] {
  if (values.length === 0) throw badUserInput(field, 'must name at least one language');
  const names: string[] = [];
  values.forEach((value, i) => {
    const given = value.trim();
    if (given === '') throw badUserInput(field, `language ${i + 1} is empty`);
    if (given.length > MAX_LANGUAGE_LENGTH) throw badUserInput(field, `language ${i + 1} is longer than ${MAX_LANGUAGE_LENGTH} characters`);
    const name = BY_LOWER_CASE.get(given.toLowerCase());
    if (name === undefined) throw badUserInput(field, `${JSON.stringify(given)} is not one of ${LANGUAGES.join(', ')}`);
    if (names.includes(name)) throw badUserInput(field, `${name} is listed twice`);
    names.push(name);
  });
  return names;
}
