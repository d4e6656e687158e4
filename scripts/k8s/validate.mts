// Validates Kubernetes objects against the API's schemas (kubernetes-models,
// pinned): `tsx scripts/k8s/validate.ts [file.yaml ...]` (default: every file
// of deploy/k8s but the kustomization). Prints one line per object; exits 1
// when an object is invalid or of a kind it does not know. A separate process:
// kubernetes-models is published as ES modules only.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

const MODELS: Record<string, { new (data: any): unknown }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

const dir = path.join(path.dirname(path.resolve(process.argv[1])), '..', '..', 'deploy', 'k8s');
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').map((f) => path.join(dir, f));
let invalid = 0;
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const object = doc.toJSON() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
    if (!object) continue;
    const what = `${path.basename(file)} ${object.kind}/${object.metadata?.name}`;
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    try {
      if (!Model) throw new Error(`unknown kind ${object.apiVersion} ${object.kind}`);
      (new Model(object) as { validate(): void }).validate();
      console.log(`valid   ${what}`);
    } catch (error) {
      invalid++;
      console.log(`INVALID ${what}: ${(error as Error).message.split('\n').slice(0, 5).join(' ')}`);
    }
  }
}
process.exit(invalid ? 1 : 0);
