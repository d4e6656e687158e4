// `npm run k8s`: writes deploy/k8s/*.yaml and kustomization.yaml from
// scripts/k8s/manifests.ts (run it after `npm run compose` or any change of
// subgraphs, ports or settings; test/k8s.test.ts fails while they differ).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { k8sYaml } from './yaml';

const dir = path.join(__dirname, '..', '..', 'deploy', 'k8s');
for (const [file, text] of Object.entries(k8sYaml())) writeFileSync(path.join(dir, file), text);
console.log(`wrote ${Object.keys(k8sYaml()).length} files to ${path.relative(process.cwd(), dir) || '.'}`);
