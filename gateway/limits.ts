// Request limits at the gateway (issue 6): every document is measured and
// refused, if it is too large, before any subgraph is called. Depth, aliases
// and directives are graphql-armor's validation rules; cost is armor's cost
// rule run once the variables are known (so that `first` counts); tokens are
// graphql-js's own parser limit; field suggestions are masked; introspection
// follows a policy. What ApolloServer needs comes from `requestLimits`.
//
// Each refusal and its code (docs/access.md, "Request limits"):
//   depth, aliases, directives, cost  400 GRAPHQL_VALIDATION_FAILED, "Query depth limit of 12 exceeded, found 50."
//   tokens                            400 GRAPHQL_PARSE_FAILED, "Document contains more that 5000 tokens..."
//   introspection not allowed         403 FORBIDDEN
// Body size (platform/server/graphql-route.ts, 413 PAYLOAD_TOO_LARGE), batching (off) and CSRF
// prevention (on) are Apollo's and Express's, refused with 400 BAD_REQUEST.
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { intFromEnv, stringFromEnv } from '../platform/core/config';
import { MAX_PAGE_SIZE } from '../platform/data/pagination';

/**
 * Who may introspect the schema (`__schema`, `__type`): everyone (`on`), no one
 * (`off`), or only callers whose token has the scope `analyst`.
 */
export type IntrospectionPolicy = 'on' | 'off' | 'analyst';
const INTROSPECTION_POLICIES: readonly IntrospectionPolicy[] = ['on', 'off', 'analyst'];

export interface LimitSettings {
  /** Deepest nesting of fields; a fragment spread counts as a level. */
  maxDepth: number;
  /** Aliased fields in an operation (`__typename` aliases are free). */
  maxAliases: number;
  /** Lexical tokens in a document; parsing stops beyond them. */
  maxTokens: number;
  /** Directives in an operation, fragments included. */
  maxDirectives: number;
  /** graphql-armor cost, with each list multiplied by its page size (`first`). */
  maxCost: number;
  introspection: IntrospectionPolicy;
}

/**
 * Defaults, measured against every legitimate query in the repository (the
 * dashboard operations in schema/operations and every query the tests send,
 * counted through the gateway while the whole suite ran) and set with
 * headroom above the largest:
 *
 * - depth 12: the deepest test query has 7 levels (region > projects > nodes
 *   > reviewingOffice > township > parent > code), the region scorecard 6
 *   (its fragment spread counts as a level). A client following `parent`
 *   or `children` a few hops further still passes; depth 50 is refused.
 * - aliases 100: a test compares 5 regions with 8 stats calls each (40
 *   aliases); dashboards setting periods side by side look alike. 10,000
 *   aliases are refused (by the token limit first: each takes several tokens).
 * - tokens 5000: the longest test query has 702 tokens, the scorecard 102,
 *   graphql-js's introspection query 163. 5000 tokens parse in about a
 *   millisecond; a 1 MB query stops at token 5001.
 * - directives 20: no test query or registered operation uses any; 20 leaves
 *   room for @include/@skip toggles on each part of a dashboard.
 * - cost 100000: armor's formula (object 2, scalar 1, each level deeper 1.5
 *   times) with each list's subtree multiplied by its page size. The costliest
 *   test query, five lists of 100 legal aid cases with their region,
 *   provider, referring office and applicant, costs 54,658; the scorecard
 *   390. 100 offices with 100 mediation cases each, even with only `id`,
 *   costs 163,625 and is refused. `children` (a region's children, at most 16
 *   in the directory) is a plain list without `first` and counts once.
 */
export const LIMIT_DEFAULTS: Omit<LimitSettings, 'introspection'> = Object.freeze({
  maxDepth: 12,
  maxAliases: 100,
  maxTokens: 5000,
  maxDirectives: 20,
  maxCost: 100_000,
});

/** `on` for development; `analyst` when NODE_ENV=production. */
export function defaultIntrospection(nodeEnv = process.env.NODE_ENV): IntrospectionPolicy {
  return nodeEnv === 'production' ? 'analyst' : 'on';
}

function introspectionFromEnv(): IntrospectionPolicy {
  const raw = stringFromEnv('GATEWAY_INTROSPECTION');
  if (raw === undefined) return defaultIntrospection();
  if (!(INTROSPECTION_POLICIES as readonly string[]).includes(raw)) {
    throw new Error(`GATEWAY_INTROSPECTION must be one of ${INTROSPECTION_POLICIES.join(', ')}, not "${raw}"`);
  }
  return raw as IntrospectionPolicy;
}

export function limitSettingsFromEnv(): LimitSettings {
  return {
    maxDepth: intFromEnv('GATEWAY_MAX_DEPTH', LIMIT_DEFAULTS.maxDepth, 1),
    maxAliases: intFromEnv('GATEWAY_MAX_ALIASES', LIMIT_DEFAULTS.maxAliases, 0),
    maxTokens: intFromEnv('GATEWAY_MAX_TOKENS', LIMIT_DEFAULTS.maxTokens, 1),
    maxDirectives: intFromEnv('GATEWAY_MAX_DIRECTIVES', LIMIT_DEFAULTS.maxDirectives, 0),
    maxCost: intFromEnv('GATEWAY_MAX_COST', LIMIT_DEFAULTS.maxCost, 1),
    introspection: introspectionFromEnv(),
  };
}

/** The part of the ApolloServer options the limits set; spread into them. */
export type RequestLimits = Required<
  Pick<ApolloServerOptions<BaseContext>, 'plugins' | 'validationRules' | 'parseOptions' | 'allowBatchedHttpRequests' | 'csrfPrevention' | 'introspection'>
>;

/** The ApolloServer options for the given settings (defaults for those not given). */
export function requestLimits(overrides: Partial<LimitSettings> = {}): RequestLimits {
  const settings: LimitSettings = { ...LIMIT_DEFAULTS, introspection: defaultIntrospection(), ...overrides };
  const armor = new ApolloArmor({
    maxDepth: { n: settings.maxDepth, ...REPORTING },
    maxAliases: { n: settings.maxAliases, ...REPORTING },
    maxDirectives: { n: settings.maxDirectives, ...REPORTING },
    // Run below, once variables are known.
    costLimit: { enabled: false },
    // armor's Apollo token plugin throws from parsingDidStart, which Apollo
    // answers with HTTP 500; graphql-js's parser limit (parseOptions) is the same
    // check, refused as a parse error with 400.
    maxTokens: { enabled: false },
    // armor masks only `Did you mean "x"`; maskSuggestions below masks every form.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [...armor.plugins, introspectionPolicy(settings.introspection), pageSizeCost(settings.maxCost), maskSuggestions()],
    validationRules: armor.validationRules,
    parseOptions: { maxLexicalTokens: settings.maxTokens },
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Apollo's switch stays on: introspectionPolicy decides, per caller.
    introspection: true,
  };
}

/**
 * armor reports a refusal as `Syntax Error: ...` with code BAD_USER_INPUT; it
 * is neither, and the error formatter would pass it on as bad input. Reported
 * here without a code, Apollo answers it as GRAPHQL_VALIDATION_FAILED (400).
 */
function reportRefusal(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

const REPORTING = { propagateOnRejection: false, onReject: [reportRefusal] };

function refusal(message: string, code: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

// ---------------------------------------------------------------- introspection

/** What the policy reads from the gateway's context: the caller's scopes, if known. */
interface ContextWithViewer {
  viewer?: { scopes?: readonly string[] } | null;
}

export function introspectionAllowed(policy: IntrospectionPolicy, contextValue: unknown): boolean {
  if (policy === 'on') return true;
  if (policy === 'off') return false;
  return (contextValue as ContextWithViewer | undefined)?.viewer?.scopes?.includes('analyst') === true;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** Whether the operation selects `__schema` or `__type` anywhere, through fragments too. */
export function selectsIntrospection(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    !!selectionSet?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return INTROSPECTION_FIELDS.has(selection.name.value) || search(selection.selectionSet);
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return search(fragments.get(selection.name.value)?.selectionSet);
    });
  return search(operation.selectionSet);
}

/** Refuses introspection the policy does not allow, before execution. `__typename` is always allowed. */
function introspectionPolicy(policy: IntrospectionPolicy): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || introspectionAllowed(policy, contextValue) || !selectsIntrospection(document, operation)) return;
          throw refusal(
            policy === 'analyst' ? 'Introspection is only allowed for tokens with the scope "analyst"' : 'Introspection is disabled on this gateway',
            'FORBIDDEN',
            403,
          );
        },
      };
    },
  };
}

// ------------------------------------------------------------------------- cost

/**
 * The document reduced to the operation being run, with every `first` argument
 * written out as the page size it will have: a literal, a variable's value, the
 * variable's default or the argument's default in the schema. Sizes are capped
 * at MAX_PAGE_SIZE: a larger `first` is refused by the subgraph as bad input
 * (naming `first`), a clearer answer than a cost refusal.
 */
function withPageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): DocumentNode {
  const variableDefaults = new Map(operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]));
  const sizeOf = (value: ValueNode | undefined): number | undefined => {
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      return Number.isInteger(given) ? (given as number) : given === null ? undefined : sizeOf(variableDefaults.get(value.name.value));
    }
    return undefined;
  };
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => (node === operation ? undefined : null),
      Field: (node: FieldNode) => {
        const argument = typeInfo.getFieldDef()?.args.find((arg) => arg.name === 'first');
        if (!argument) return undefined;
        const given = node.arguments?.find((arg) => arg.name.value === 'first');
        const fallback = Number.isInteger(argument.defaultValue) ? (argument.defaultValue as number) : 1;
        const size = Math.min(Math.max(sizeOf(given?.value) ?? fallback, 0), MAX_PAGE_SIZE);
        const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(size) } };
        return { ...node, arguments: [...(node.arguments ?? []).filter((arg) => arg !== given), first] };
      },
    }),
  );
}

/**
 * graphql-armor's cost rule weights a list by a literal `first` only: at
 * validation, variables are unknown, so `first: $n` and an omitted `first`
 * (20 by default) would count once. Run here, after validation and before
 * execution, on the document with every page size written out.
 */
function pageSizeCost(maxCost: number): ApolloServerPlugin<BaseContext> {
  const costRules = new ApolloArmor({
    costLimit: { maxCost, ...REPORTING },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
  const decided = new CostDecisions();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const refused = decided.get(schema, document, operation, request.variables, () => validate(schema, withPageSizes(schema, document, operation, request.variables), costRules)[0]?.message);
          if (refused) throw refusal(refused, 'GRAPHQL_VALIDATION_FAILED', 400);
        },
      };
    },
  };
}

/** Page sizes given in variables whose key is longer are not remembered (a real page size is a few digits). */
const COST_KEY_MAX = 200;
/** Decisions remembered per document: one per operation and set of page sizes. */
const COST_DECISIONS_PER_DOCUMENT = 64;

/**
 * The cost refusal (or none) of each document, operation and page sizes,
 * worked out once: a dashboard sends the same few documents again and again,
 * and Apollo Server keeps one parsed document per query text and schema, so
 * the document object is the key. The decision depends on nothing else: the
 * document's literals and defaults, the schema's defaults, and the values of
 * the variables given as `first`, which is all the rest of the key holds.
 */
class CostDecisions {
  private readonly byDocument = new WeakMap<DocumentNode, { schema: GraphQLSchema; pageVariables: string[]; decisions: LRUCache<string, string | false> }>();

  get(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}, decide: () => string | undefined): string | undefined {
    let known = this.byDocument.get(document);
    if (!known || known.schema !== schema) {
      known = { schema, pageVariables: pageSizeVariables(document), decisions: new LRUCache({ max: COST_DECISIONS_PER_DOCUMENT }) };
      this.byDocument.set(document, known);
    }
    // A variable not given (undefined) falls back to its default; null to the argument's: kept apart.
    const key = `${operation.name?.value ?? ''}(${known.pageVariables.map((name) => (variables[name] === undefined ? '-' : JSON.stringify(variables[name]))).join(',')})`;
    if (key.length > COST_KEY_MAX) return decide();
    let decision = known.decisions.get(key);
    if (decision === undefined) known.decisions.set(key, (decision = decide() ?? false));
    return decision || undefined;
  }
}

/** The variables given as a `first` argument anywhere in the document. */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument: (node) => {
      if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names].sort();
}

// ------------------------------------------------------------------ suggestions

/**
 * graphql-js suggests names from the schema ("Cannot query field "nme" on type
 * "Region". Did you mean "name"?", "... Did you mean the enum value
 * "PREFECTURE"?", "... Did you mean to use an inline fragment on ...?"): they
 * map the schema for a caller who may not introspect it. Every form is removed,
 * from every error of the request.
 */
function maskSuggestions(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = error.message.replace(/ ?Did you mean [^?]*\?/g, '');
        },
      };
    },
  };
}
