// The text of each file under deploy/k8s/: the manifests as YAML documents, and a kustomization listing them.
import { stringify } from 'yaml';
import { k8sManifests } from './manifests';

const HEADER = '# Written by `npm run k8s` (scripts/k8s/manifests.ts); edit that, not this file.\n';

export function k8sYaml(): Record<string, string> {
  const manifests = k8sManifests();
  const files: Record<string, string> = {};
  for (const [file, objects] of Object.entries(manifests)) files[file] = HEADER + objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
  files['kustomization.yaml'] = HEADER + stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: Object.keys(manifests) });
  return files;
}
