// The explorer page (GET /explorer): its workers, styles and configuration all
// come from the hub itself.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { createRoot } from 'react-dom/client';
import type { ExplorerConfig } from '../../gateway/explorer-config';
import { hubJson } from '../shared/hub';
import { Explorer } from './explorer';

const root = createRoot(document.getElementById('explorer')!);
hubJson<ExplorerConfig>('/explorer/config').then(
  (config) => root.render(<Explorer config={config} />),
  (error: Error) =>
    root.render(
      <div className="hub-loading hub-caller-problem" role="alert">
        The explorer could not read its configuration from the hub: {error.message}
      </div>,
    ),
);
