// The explorer: GraphiQL 5 (docs explorer, autocompletion and validation
// against the hub's schema, history, tabs, a headers editor) on the hub's own
// /graphql, with the registered operations as its first tabs, who each tab
// asks as and its errors below the response, a plain notice where the schema
// may not be read, and development tokens in development.
import { useEffect, useMemo } from 'react';
import { useGraphiQL } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import type { ExplorerConfig } from '../../gateway/explorer-config';
import { devTokensPlugin } from './dev-tokens';
import { operationsPlugin, operationTabs } from './operations';
import { SchemaNotice } from './schema-notice';
import { StatusBar } from './status-bar';

/** GraphiQL's saved tabs, history and layout, under keys of the explorer's own (other pages share the origin). */
export function namespacedStorage(namespace: string): Storage {
  const prefix = `${namespace}:`;
  const keys = () => Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  return {
    getItem: (key) => localStorage.getItem(prefix + key),
    setItem: (key, value) => localStorage.setItem(prefix + key, value),
    removeItem: (key) => localStorage.removeItem(prefix + key),
    clear: () => keys().forEach((key) => localStorage.removeItem(key)),
    key: (index) => keys()[index]?.slice(prefix.length) ?? null,
    get length() {
      return keys().length;
    },
  };
}

function Logo() {
  return (
    <a className="hub-logo" href="/explorer" title="Rule-of-law hub explorer">
      Rule-of-law hub
    </a>
  );
}

/**
 * GraphiQL 5 puts the first of `defaultTabs` in the query editor but not its
 * variables; without this, the first tab (the scorecard) opens without them.
 */
function FirstTabVariables() {
  const { variableEditor, variables } = useGraphiQL((state) => ({
    variableEditor: state.variableEditor,
    variables: state.tabs[state.activeTabIndex]?.variables ?? null,
  }));
  useEffect(() => {
    if (variableEditor && variables && !variableEditor.getValue().trim()) variableEditor.setValue(variables);
    // Once, when the editor appears; later edits are the analyst's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [variableEditor]);
  return null;
}

export function Explorer({ config }: { config: ExplorerConfig }) {
  const { fetcher, plugins, defaultTabs, storage } = useMemo(
    () => ({
      // Plain JSON requests to the hub's /graphql (same origin): no subscriptions, no multipart.
      fetcher: createGraphiQLFetcher({ url: config.graphqlPath, enableIncrementalDelivery: false }),
      plugins: [operationsPlugin(config.operations), HISTORY_PLUGIN, ...(config.devTokens ? [devTokensPlugin(config.devTokens)] : [])],
      defaultTabs: operationTabs(config.operations),
      storage: namespacedStorage('hub-explorer'),
    }),
    [config],
  );
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={defaultTabs}
      storage={storage}
      // Tokens stay in the page's memory: never written to the browser's storage.
      shouldPersistHeaders={false}
      showPersistHeadersSettings={false}
      defaultEditorToolsVisibility={true}
    >
      <GraphiQL.Logo>
        <Logo />
      </GraphiQL.Logo>
      <GraphiQL.Footer>
        <StatusBar />
      </GraphiQL.Footer>
      <SchemaNotice introspection={config.introspection} devTokens={config.devTokens !== null} />
      <FirstTabVariables />
    </GraphiQL>
  );
}
