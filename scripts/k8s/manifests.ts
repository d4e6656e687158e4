// The hub on Kubernetes, as objects (`npm run k8s` writes them to
// deploy/k8s/*.yaml; test/k8s.test.ts validates them against the Kubernetes
// schemas and checks that the files are what this produces from the code):
// per service a Deployment (readiness on the admin port's /ready, liveness on
// /health), a Service (the balancer in front of its replicas) and a
// PodDisruptionBudget; a Secret per service holding only its own keys (empty
// here: filled from `npm run -s keys -- --print`, never committed); the
// supergraph as a ConfigMap whose hash is in the gateway's pod template (a new
// supergraph rolls every gateway replica), mounted as a folder, not a subPath,
// so that a running gateway also reloads it when the kubelet updates the
// volume (docs/changing-a-subgraph.md); a HorizontalPodAutoscaler on CPU
// for the gateway; NetworkPolicies: nothing reaches a pod of the namespace
// but callers the gateway's public port, the gateway pods a subgraph's public
// port, and pods labelled as monitoring the admin ports (/ready, /metrics;
// the kubelet's probes come from the node, which a policy cannot block).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envPrefix } from '../../platform/core/config';
import { listSubgraphs, type SubgraphInfo } from '../../schema/subgraphs';

const NAMESPACE = 'rule-of-law-hub';
const IMAGE = 'rule-of-law-hub:0.1.0';
const GATEWAY_PORT = 4000;
/** The admin port is the public one + 100 (platform/server/http.ts), listening on every address of the pod for the kubelet's probes. */
const ADMIN_OFFSET = 100;
/** /ready turns 503 this long before a pod stops accepting: the kubelet's probe and the endpoints' update see it first. */
const SHUTDOWN_DELAY_MS = 5_000;
const SHUTDOWN_GRACE_MS = 8_000;
const SUPERGRAPH = path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql');

type Manifest = Record<string, any>;

const labels = (service: string) => ({ 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'rule-of-law-hub' });
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NAMESPACE, labels: labels(name), ...extra });

const fromSecret = (secret: string, key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });

/** Pods with this label (in the namespace) may read every service's admin port: /ready and /metrics (Prometheus, say). */
export const MONITORING_LABELS = { 'app.kubernetes.io/component': 'monitoring' };

const networkPolicy = (name: string, podSelector: Record<string, string>, ingress: Manifest[]): Manifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'rule-of-law-hub' } },
  // An empty selector: every pod of the namespace.
  spec: { podSelector: Object.keys(podSelector).length ? { matchLabels: podSelector } : {}, policyTypes: ['Ingress'], ...(ingress.length ? { ingress } : {}) },
});

/**
 * Ingress to the hub's pods: none by default; the gateway's public port from
 * anywhere (callers, through a Service or an Ingress); each subgraph's public
 * port from gateway pods only; the admin ports from pods labelled
 * MONITORING_LABELS. The kubelet's probes come from the pod's own node, which
 * NetworkPolicies do not block.
 */
function networkPolicies(subgraphs: { name: string }[]): Manifest[] {
  return [
    networkPolicy('default-deny-ingress', {}, []),
    networkPolicy('gateway-public', labels('gateway'), [{ ports: [{ protocol: 'TCP', port: 'http' }] }]),
    ...subgraphs.map((s) => networkPolicy(`${s.name}-from-gateway`, labels(s.name), [{ from: [{ podSelector: { matchLabels: labels('gateway') } }], ports: [{ protocol: 'TCP', port: 'http' }] }])),
    networkPolicy('admin-from-monitoring', { 'app.kubernetes.io/part-of': 'rule-of-law-hub' }, [{ from: [{ podSelector: { matchLabels: MONITORING_LABELS } }], ports: [{ protocol: 'TCP', port: 'admin' }] }]),
  ];
}

function deployment(service: string, port: number, options: { command: string[]; env: Manifest[]; replicas?: number; podAnnotations?: Record<string, string>; volumes?: Manifest[]; mounts?: Manifest[] }): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(service),
    spec: {
      ...(options.replicas ? { replicas: options.replicas } : {}),
      selector: { matchLabels: labels(service) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(service), ...(options.podAnnotations ? { annotations: options.podAnnotations } : {}) },
        spec: {
          // SHUTDOWN_DELAY_MS (out of the endpoints), SHUTDOWN_GRACE_MS (requests in flight), and some.
          terminationGracePeriodSeconds: Math.ceil((SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS) / 1000) + 5,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: service,
              image: IMAGE,
              command: options.command,
              ports: [
                { name: 'http', containerPort: port },
                { name: 'admin', containerPort: port + ADMIN_OFFSET },
              ],
              env: [
                { name: 'NODE_ENV', value: 'production' },
                { name: 'ADMIN_HOST', value: '0.0.0.0' },
                { name: 'SHUTDOWN_DELAY_MS', value: String(SHUTDOWN_DELAY_MS) },
                { name: 'SHUTDOWN_GRACE_MS', value: String(SHUTDOWN_GRACE_MS) },
                ...options.env,
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 'admin' }, periodSeconds: 2, failureThreshold: 1, timeoutSeconds: 2 },
              livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
              // Seeding a database may take minutes on the first start: liveness waits for it.
              startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, failureThreshold: 120 },
              resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { memory: '1Gi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(options.mounts ?? [])],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...(options.volumes ?? [])],
        },
      },
    },
  };
}

const service = (name: string, port: number): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name),
  spec: { selector: labels(name), ports: [{ name: 'http', port, targetPort: 'http' }] },
});

const disruptionBudget = (name: string, minAvailable: number): Manifest => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta(name),
  spec: { minAvailable, selector: { matchLabels: labels(name) } },
});

const secret = (name: string, keys: string[]): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: meta(name),
  type: 'Opaque',
  // Empty here; filled in the cluster, never in git: see docs/configuration.md (Kubernetes).
  stringData: Object.fromEntries(keys.map((key) => [key, ''])),
});

/** Every manifest, by the file it is written to. */
export function k8sManifests(supergraph = readFileSync(SUPERGRAPH, 'utf8')): Record<string, Manifest[]> {
  const subgraphs = listSubgraphs();
  const files: Record<string, Manifest[]> = {};
  files['namespace.yaml'] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'rule-of-law-hub' } } }];
  const supergraphHash = createHash('sha256').update(supergraph).digest('hex').slice(0, 16);
  files['supergraph.yaml'] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('supergraph'), data: { 'supergraph.graphql': supergraph } }];
  files['secrets.yaml'] = [
    secret('gateway', ['HUB_IDENTITY_SECRET', 'REDIS_URL', 'AUTH_JWKS_URL', 'AUTH_ISSUER']),
    ...subgraphs.map((s) => secret(s.name, [`${envPrefix(s.name)}_IDENTITY_KEY`, `${envPrefix(s.name)}_DATABASE_URL`, `${envPrefix(s.name)}_REDIS_URL`])),
  ];
  files['gateway.yaml'] = gatewayManifests(subgraphs, supergraphHash);
  for (const s of subgraphs) files[`${s.name}.yaml`] = subgraphManifests(s);
  files['network-policies.yaml'] = networkPolicies(subgraphs);
  return files;
}

/** The gateway: its Deployment (the supergraph from the ConfigMap, its hash in the pod template), Service, PodDisruptionBudget and HPA on CPU. */
function gatewayManifests(subgraphs: SubgraphInfo[], supergraphHash: string): Manifest[] {
  return [
    deployment('gateway', GATEWAY_PORT, {
      command: ['node', 'dist/gateway/main.js'],
      replicas: 3,
      podAnnotations: { 'rule-of-law-hub/supergraph-sha256': supergraphHash },
      env: [
        { name: 'GATEWAY_PORT', value: String(GATEWAY_PORT) },
        { name: 'SUPERGRAPH_PATH', value: '/etc/hub/supergraph.graphql' },
        fromSecret('gateway', 'HUB_IDENTITY_SECRET'),
        fromSecret('gateway', 'REDIS_URL'),
        fromSecret('gateway', 'AUTH_JWKS_URL'),
        fromSecret('gateway', 'AUTH_ISSUER'),
        // Each agency through its Service: the cluster's balancer in front of its replicas.
        ...subgraphs.map((s) => ({ name: `${envPrefix(s.name)}_URL`, value: `http://${s.name}:${s.defaultPort}/graphql` })),
      ],
      volumes: [{ name: 'supergraph', configMap: { name: 'supergraph' } }],
      mounts: [{ name: 'supergraph', mountPath: '/etc/hub', readOnly: true }],
    }),
    service('gateway', GATEWAY_PORT),
    disruptionBudget('gateway', 2),
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('gateway'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' },
        minReplicas: 3,
        maxReplicas: 12,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
  ];
}

/** One subgraph: its Deployment (only its own variables, from its own Secret), Service and PodDisruptionBudget. */
function subgraphManifests(s: SubgraphInfo): Manifest[] {
  const prefix = envPrefix(s.name);
  return [
    deployment(s.name, s.defaultPort, {
      command: ['node', 'dist/scripts/start-subgraph.js', s.name],
      replicas: 2,
      env: [
        { name: `${prefix}_PORT`, value: String(s.defaultPort) },
        fromSecret(s.name, `${prefix}_IDENTITY_KEY`),
        fromSecret(s.name, `${prefix}_DATABASE_URL`),
        // The Redis its replicas share for the identities they accepted (platform/access/replay-memory.ts).
        fromSecret(s.name, `${prefix}_REDIS_URL`),
      ],
    }),
    service(s.name, s.defaultPort),
    disruptionBudget(s.name, 1),
  ];
}
