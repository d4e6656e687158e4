// The dashboard page (GET / on the gateway): the programme's figures from the
// graph, through the registered operations (schema/operations/dashboard-*.graphql).
import './dashboard.css';
import { createRoot } from 'react-dom/client';
import { Dashboard } from './dashboard';

createRoot(document.getElementById('dashboard')!).render(<Dashboard />);
