// `npm run keys`: prints a new Ed25519 key pair for the identity the gateway
// forwards to subgraphs, as one-line .env entries (docker-compose reads .env):
// HUB_IDENTITY_PRIVATE_KEY for the gateway, HUB_IDENTITY_PUBLIC_KEY for every service.
import { generateKeyPairSync } from 'node:crypto';

const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const oneLine = (pem: string): string => pem.trim().replace(/\n/g, '\\n');
console.log(`HUB_IDENTITY_PRIVATE_KEY="${oneLine(privateKey)}"`);
console.log(`HUB_IDENTITY_PUBLIC_KEY="${oneLine(publicKey)}"`);
