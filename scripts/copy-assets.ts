// Copies browser assets from pinned npm packages into public/vendor (served by the
// Worker's [assets]); nothing comes from a CDN.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'public/vendor'), { recursive: true });
copyFileSync(join(root, 'node_modules/htmx.org/dist/htmx.min.js'), join(root, 'public/vendor/htmx.min.js'));
