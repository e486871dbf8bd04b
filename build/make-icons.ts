// Rasterises build/icon.svg into every icon the installers and the tray use (electron-builder
// turns build/icon.png into .ico and .icns itself). Run: npm run icons
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const svg = join(here, 'icon.svg');
const out = join(here, 'icons');
mkdirSync(out, { recursive: true });

const png = (size: number, file: string) => sharp(svg, { density: Math.ceil((72 * size) / 512) * 2 }).resize(size, size).png().toFile(file);

await png(1024, join(here, 'icon.png'));
for (const size of [16, 32, 48, 64, 128, 256, 512]) await png(size, join(out, `${size}x${size}.png`));
await png(32, join(out, 'tray.png'));
console.log(`icons written to ${out} and build/icon.png`);
