// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. When on, each service process
// registers a tracer provider that exports spans over OTLP/HTTP (JSON) in
// batches, with W3C trace context: the gateway's server span, @apollo/gateway's
// own spans (plan, execute, one per subgraph fetch) and a client span per
// subgraph call whose `traceparent` the subgraph continues in its server span.
// When off, nothing is loaded or registered and the request path only tests a
// boolean.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { stringFromEnv } from '../core/config';

let enabled = false;
const TRACER = 'rule-of-law-hub';

export function tracingEnabled(): boolean {
  return enabled;
}

export interface Tracing {
  /** Sends the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** The OTLP endpoint, if tracing is configured (and not disabled by OTEL_SDK_DISABLED=true). */
function otlpEndpointFromEnv(): string | undefined {
  if (stringFromEnv('OTEL_SDK_DISABLED') === 'true') return undefined;
  return stringFromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? stringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
}

/**
 * Starts exporting this process's spans when an OTLP endpoint is configured;
 * null otherwise. `service` is the resource's service.name unless
 * OTEL_SERVICE_NAME says otherwise. Once per process, before serving.
 */
export async function startTracing(service: string): Promise<Tracing | null> {
  if (!otlpEndpointFromEnv() || enabled) return null;
  // Loaded only when tracing is on.
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { Resource }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);
  // The exporter reads the endpoint, headers and timeout from the standard OTEL_EXPORTER_OTLP_* variables.
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': stringFromEnv('OTEL_SERVICE_NAME') ?? service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await provider.shutdown();
    },
  };
}

/**
 * A server span for an incoming request, continuing the caller's trace if its
 * headers carry one, and the context to run the request in. Only when tracing is on.
 */
export function startServerSpan(name: string, headers: IncomingHttpHeaders, attributes: Record<string, string>): { span: Span; context: Context } {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** A client span for a call to a subgraph, a child of the active span, and the headers that carry it. */
export function startClientSpan(name: string, attributes: Record<string, string>): { span: Span; headers: Record<string, string> } {
  const span = trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return { span, headers };
}

export function endSpan(span: Span, error?: string): void {
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
}

export { context as otelContext };
