// Entry of the public support portal page served at `/` (POR-1, POR-3, POR-4, POR-5).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './portal.css';
import { Portal } from './Portal.tsx';
import { lang } from './strings.ts';
import { loadSiteLook } from './site-look.tsx';

document.documentElement.lang = lang;
const root = document.getElementById('portal');
if (!root) throw new Error('portal.html has no #portal element');
const el = root;
void loadSiteLook().then(() =>
  createRoot(el).render(
  <StrictMode>
    <Portal />
  </StrictMode>,
  ),
);
