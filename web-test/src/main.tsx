import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { browserServices } from './browser-services';
import { ServicesContext } from './services';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={browserServices()}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
