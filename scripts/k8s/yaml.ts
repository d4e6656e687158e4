// The text of each file under deploy/k8s/: the manifests as YAML documents, and a kustomization listing them.
import { stringify } from 'yaml';
import { k8sManifests } from './manifests';

const HEADER = '# Written by `npm run k8s` (scripts/k8s/manifests.ts); edit that, not this file.\n';

export function k8sYaml(): Record<string, string> {
  const manifests = k8sManifests();
  const files: Record<string, string> = {};
  for (const [file, objects] of Object.entries(manifests)) files[file] = HEADER + objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
  // secrets.yaml is a form, not applied: `kubectl apply -k` would empty Secrets filled in the cluster.
  files['secrets.yaml'] = `${HEADER}# A form of the Secrets, with empty values: not in kustomization.yaml. Fill a copy (outside git) and apply it, or create them with kubectl (docs/configuration.md).\n${files['secrets.yaml'].slice(HEADER.length)}`;
  files['kustomization.yaml'] = HEADER + stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: Object.keys(manifests).filter((file) => file !== 'secrets.yaml') });
  return files;
}
