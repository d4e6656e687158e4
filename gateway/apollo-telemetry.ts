// @apollo/gateway 2.x, as it constructs, starts an OpenTelemetry meter
// provider of Apollo's own unless APOLLO_TELEMETRY_DISABLED is set: its
// resource detectors probe cloud metadata services (169.254.169.254 and
// others) at once, and it exports usage figures to
// https://usage-reporting.api.apollographql.com every hour and when the
// gateway stops. An agency's hub sends nothing outside its network, so the
// gateway turns this off before any ApolloGateway is built, whatever the
// environment says. (Apollo Server's own usage reporting needs APOLLO_KEY,
// which the hub never sets.)

/** Turns off @apollo/gateway's built-in telemetry to Apollo; call before `new ApolloGateway`. */
export function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}
