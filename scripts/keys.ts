// `npm run keys`: prints a new Ed25519 key pair for the identity the gateway
// forwards to subgraphs, as one-line .env entries (docker-compose reads .env):
// HUB_IDENTITY_PRIVATE_KEY for the gateway, HUB_IDENTITY_PUBLIC_KEY for every service.
import { newEd25519KeyPair } from '../platform/dev-keys';

const { privateKey, publicKey } = newEd25519KeyPair();
const oneLine = (pem: string): string => pem.trim().replace(/\n/g, '\\n');
console.log(`HUB_IDENTITY_PRIVATE_KEY="${oneLine(privateKey)}"`);
console.log(`HUB_IDENTITY_PUBLIC_KEY="${oneLine(publicKey)}"`);
