// The registry's operations (schema/operations/*.graphql, served by the
// gateway as they are): the first tabs of a new explorer, and a sidebar pane
// that opens any of them again in a new tab with its example variables.
import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import type { RegisteredOperation } from '../../gateway/explorer-config';

export function variablesText(operation: RegisteredOperation): string {
  return Object.keys(operation.variables).length ? JSON.stringify(operation.variables, null, 2) : '';
}

/** The explorer's first tabs: one per registered operation, in the gateway's order (the scorecard first). */
export function operationTabs(operations: RegisteredOperation[]): { query: string; variables: string }[] {
  return operations.map((operation) => ({ query: operation.query, variables: variablesText(operation) }));
}

function ListIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" strokeLinecap="round" />
    </svg>
  );
}

function Operations({ operations }: { operations: RegisteredOperation[] }) {
  const { queryEditor, variableEditor } = useGraphiQL((state) => ({ queryEditor: state.queryEditor, variableEditor: state.variableEditor }));
  const { addTab, updateActiveTabValues } = useGraphiQLActions();
  const open = (operation: RegisteredOperation) => {
    addTab();
    const variables = variablesText(operation);
    queryEditor?.setValue(operation.query);
    variableEditor?.setValue(variables);
    updateActiveTabValues({ query: operation.query, variables });
  };
  return (
    <div className="hub-pane">
      <div className="graphiql-doc-explorer-title">Registered operations</div>
      <p className="hub-note">
        What the dashboards send, from the hub's registry (<code>schema/operations</code>), with example variables for Aksu prefecture (652900).
      </p>
      <ul className="hub-choices">
        {operations.map((operation) => (
          <li key={operation.file}>
            <button type="button" className="hub-button" onClick={() => open(operation)} data-operation={operation.name}>
              {operation.name}
            </button>
            <span className="hub-note">{operation.description || operation.file}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function operationsPlugin(operations: RegisteredOperation[]): GraphiQLPlugin {
  return { title: 'Registered operations', icon: ListIcon, content: () => <Operations operations={operations} /> };
}
