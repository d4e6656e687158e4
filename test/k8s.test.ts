// The Kubernetes manifests (deploy/k8s/, written by `npm run k8s` from
// scripts/k8s/manifests.ts): the committed files are what the code produces
// now (a changed supergraph, subgraph or setting without `npm run k8s`
// fails); every object is valid against the Kubernetes API's schemas
// (kubernetes-models, pinned); and they agree with the code: every subgraph
// has its Deployment, Service, PodDisruptionBudget and Secret, with its own
// ports and variables only, probes on /ready (admin port) and /health, the
// supergraph ConfigMap is schema/supergraph.graphql, the gateway scales on CPU;
// and the NetworkPolicies, read as a CNI reads them, let callers reach the
// gateway's public port only, the gateway a subgraph's public port, and
// monitoring pods the admin ports, and nothing else reach any pod.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { envPrefix } from '../platform/core/config';
import { listSubgraphs } from '../schema/subgraphs';
import { MONITORING_LABELS } from '../scripts/k8s/manifests';
import { k8sYaml } from '../scripts/k8s/yaml';

const DIR = path.join(__dirname, '..', 'deploy', 'k8s');
const ROOT = path.join(__dirname, '..');

/** scripts/k8s/validate.mts in its own process (kubernetes-models is ES modules only): its exit code and lines. */
function validate(files: string[] = []): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'k8s', 'validate.mts'), ...files], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, lines: `${run.stdout}${run.stderr}`.trim().split('\n') };
}

const expected = k8sYaml();
const objects = Object.keys(expected)
  .filter((file) => file !== 'kustomization.yaml')
  .flatMap((file) => parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((doc) => ({ file, object: doc.toJSON() as Record<string, any> })))
  .filter(({ object }) => object);
const find = (kind: string, name: string): Record<string, any> => objects.find(({ object }) => object.kind === kind && object.metadata.name === name)!.object;

type Labels = Record<string, string>;
const selects = (selector: { matchLabels?: Labels; matchExpressions?: unknown }, labels: Labels): boolean => {
  // The policies use matchLabels only; an expression would need reading here first.
  expect(selector.matchExpressions).toBeUndefined();
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
};

/**
 * Whether a connection to `port` (a container port's name) of a pod labelled
 * `to` is let in by the NetworkPolicies, from a pod of the namespace labelled
 * `from`, or from outside it (undefined): open when no policy selects the pod,
 * else when a rule of a policy selecting it admits both the source and the
 * port (the API's semantics for ingress; the policies name no other namespace
 * or IP block).
 */
function admitted(to: Labels, port: string, from?: Labels): boolean {
  const policies = objects.filter(({ object }) => object.kind === 'NetworkPolicy').map(({ object }) => object.spec);
  const selecting = policies.filter((spec) => spec.policyTypes.includes('Ingress') && selects(spec.podSelector, to));
  if (!selecting.length) return true;
  return selecting.some((spec) =>
    (spec.ingress ?? []).some(
      (rule: any) =>
        (!rule.ports || rule.ports.some((p: any) => p.port === port && p.protocol === 'TCP')) &&
        (!rule.from || rule.from.some((peer: any) => from !== undefined && !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector, from))),
    ),
  );
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  test.each(Object.keys(expected))('%s is what `npm run k8s` writes from the code now', (file) => {
    expect(readFileSync(path.join(DIR, file), 'utf8')).toBe(expected[file]);
  });

  test('every object is valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(10);
    const { status, lines } = validate();
    expect(lines.filter((line) => !line.startsWith('valid '))).toEqual([]);
    expect(lines).toHaveLength(objects.length);
    expect(status).toBe(0);
  });

  test('the validation does refuse a broken object (a replica count as text, a probe without a port, a policy type as text, an unknown kind)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-k8s-'));
    const countAsText = structuredClone(find('Deployment', 'gateway'));
    countAsText.spec.replicas = 'three';
    const probeless = structuredClone(find('Deployment', 'judicial'));
    delete probeless.spec.template.spec.containers[0].readinessProbe.httpGet.port;
    const policyTypeAsText = structuredClone(find('NetworkPolicy', 'judicial-from-gateway'));
    policyTypeAsText.spec.policyTypes = 'Ingress';
    const unknown = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } };
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, [countAsText, probeless, policyTypeAsText, unknown].map((o) => `---\n${stringify(o)}`).join(''));
    const { status, lines } = validate([file]);
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'INVALID broken.yaml Deployment/gateway',
      'INVALID broken.yaml Deployment/judicial',
      'INVALID broken.yaml NetworkPolicy/judicial-from-gateway',
      'INVALID broken.yaml Pod/x',
    ]);
    expect(status).toBe(1);
  });

  test.each(listSubgraphs().map((s) => [s.name, s.defaultPort] as const))('%s: Deployment (2 replicas, its ports, its variables only, its Redis), Service, PodDisruptionBudget, Secret', (name, port) => {
    const prefix = envPrefix(name);
    const deployment = find('Deployment', name);
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/scripts/start-subgraph.js', name]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }, { name: 'admin', containerPort: port + 100 }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'admin' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    expect(env[`${prefix}_PORT`].value).toBe(String(port));
    expect(env.ADMIN_HOST.value).toBe('0.0.0.0');
    expect(env[`${prefix}_IDENTITY_KEY`].valueFrom.secretKeyRef).toEqual({ name, key: `${prefix}_IDENTITY_KEY` });
    expect(env[`${prefix}_DATABASE_URL`].valueFrom.secretKeyRef).toEqual({ name, key: `${prefix}_DATABASE_URL` });
    // Never the gateway's secret, nor another subgraph's key.
    expect(Object.keys(env).filter((n) => n === 'HUB_IDENTITY_SECRET' || (n.endsWith('_IDENTITY_KEY') && n !== `${prefix}_IDENTITY_KEY`))).toEqual([]);
    // Drains within the pod's grace period: SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(env.SHUTDOWN_DELAY_MS.value) + Number(env.SHUTDOWN_GRACE_MS.value));
    expect(find('Service', name).spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    expect(find('PodDisruptionBudget', name).spec).toEqual({ minAvailable: 1, selector: deployment.spec.selector });
    // Its replicas share Redis for the identities they accepted (platform/access/replay-memory.ts); its URL may hold a password.
    expect(env[`${prefix}_REDIS_URL`].valueFrom.secretKeyRef).toEqual({ name, key: `${prefix}_REDIS_URL` });
    expect(Object.keys(find('Secret', name).stringData).sort()).toEqual([`${prefix}_DATABASE_URL`, `${prefix}_IDENTITY_KEY`, `${prefix}_REDIS_URL`]);
    expect(Object.values(find('Secret', name).stringData)).toEqual(['', '', '']);
  });

  test('gateway: 3 replicas reaching each agency through its Service, the supergraph from the ConfigMap (its hash in the pod template), an HPA on CPU, a budget', () => {
    const deployment = find('Deployment', 'gateway');
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    for (const s of listSubgraphs()) expect(env[`${envPrefix(s.name)}_URL`].value).toBe(`http://${s.name}:${s.defaultPort}/graphql`);
    expect(env.GATEWAY_PORT.value).toBe('4000');
    expect(env.HUB_IDENTITY_SECRET.valueFrom.secretKeyRef).toEqual({ name: 'gateway', key: 'HUB_IDENTITY_SECRET' });
    expect(Object.keys(env).filter((n) => n.endsWith('_IDENTITY_KEY') || n.endsWith('_DATABASE_URL'))).toEqual([]);
    const supergraph = readFileSync(path.join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');
    expect(find('ConfigMap', 'supergraph').data['supergraph.graphql']).toBe(supergraph);
    const mount = container.volumeMounts.find((m: any) => m.name === 'supergraph');
    expect(path.join(mount.mountPath, 'supergraph.graphql')).toBe(env.SUPERGRAPH_PATH.value);
    expect(pod.metadata.annotations['rule-of-law-hub/supergraph-sha256']).toMatch(/^[0-9a-f]{16}$/);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'admin' });
    const hpa = find('HorizontalPodAutoscaler', 'gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(container.resources.requests.cpu).toBeDefined();
    expect(find('PodDisruptionBudget', 'gateway').spec.minAvailable).toBe(2);
  });

  test('NetworkPolicies: callers reach the gateway\'s public port only, the gateway each subgraph\'s, monitoring pods the admin ports; nothing else reaches a pod', () => {
    const pod = (name: string): Labels => find('Deployment', name).spec.template.metadata.labels;
    const monitoring = { ...MONITORING_LABELS, 'app.kubernetes.io/name': 'prometheus' };
    const gateway = pod('gateway');
    // Every pod of the hub is selected by a policy: none is open by default.
    for (const { object } of objects.filter(({ object }) => object.kind === 'Deployment')) {
      expect([object.metadata.name, objects.some(({ object: p }) => p.kind === 'NetworkPolicy' && selects(p.spec.podSelector, object.spec.template.metadata.labels))]).toEqual([object.metadata.name, true]);
    }
    expect({ outside: admitted(gateway, 'http'), pod: admitted(gateway, 'http', pod('judicial')) }).toEqual({ outside: true, pod: true });
    expect({ outside: admitted(gateway, 'admin'), gateway: admitted(gateway, 'admin', gateway), monitoring: admitted(gateway, 'admin', monitoring) }).toEqual({ outside: false, gateway: false, monitoring: true });
    for (const s of listSubgraphs()) {
      const target = pod(s.name);
      const others = listSubgraphs().filter((o) => o.name !== s.name).map((o) => admitted(target, 'http', pod(o.name)));
      expect({
        subgraph: s.name,
        fromGateway: admitted(target, 'http', gateway),
        fromOutside: admitted(target, 'http'),
        fromOtherSubgraphs: others,
        fromMonitoring: admitted(target, 'http', monitoring),
        adminFromGateway: admitted(target, 'admin', gateway),
        adminFromOutside: admitted(target, 'admin'),
        adminFromMonitoring: admitted(target, 'admin', monitoring),
      }).toEqual({
        subgraph: s.name,
        fromGateway: true,
        fromOutside: false,
        fromOtherSubgraphs: others.map(() => false),
        fromMonitoring: false,
        adminFromGateway: false,
        adminFromOutside: false,
        adminFromMonitoring: true,
      });
      // The ports the policies name are the container's own.
      expect(find('Deployment', s.name).spec.template.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['http', 'admin']);
    }
  });
});
