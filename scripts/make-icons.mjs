// Draws the app icons (PWA manifest, Apple touch icon, favicon) from one SVG: a parcel with a
// check mark. Run once; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';

const glyph = `
  <path d="M256 112 L392 176 L392 336 L256 400 L120 336 L120 176 Z" fill="#f3c15b" stroke="#1c1408" stroke-width="14" stroke-linejoin="round"/>
  <path d="M120 176 L256 240 L392 176 M256 240 L256 400" fill="none" stroke="#1c1408" stroke-width="14" stroke-linejoin="round"/>
  <path d="M188 144 L324 208" stroke="#1c1408" stroke-width="10" stroke-linecap="round"/>
  <circle cx="352" cy="352" r="84" fill="#2fbf71" stroke="#10151c" stroke-width="14"/>
  <path d="M312 352 L342 382 L394 326" fill="none" stroke="#fff" stroke-width="22" stroke-linecap="round" stroke-linejoin="round"/>`;

// "any" icons get rounded corners; the maskable one fills the square and keeps the glyph inside
// the 80 % safe zone, because the platform cuts its own shape out of it.
const rounded = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" rx="96" fill="#10151c"/>${glyph}</svg>`;
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" fill="#10151c"/><g transform="translate(51 51) scale(0.8)">${glyph}</g></svg>`;

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/favicon.svg', rounded);
const render = (svg, size, file) => sharp(Buffer.from(svg), { density: 300 }).resize(size, size).png().toFile(file);
await Promise.all([
  render(rounded, 192, 'public/icons/icon-192.png'),
  render(rounded, 512, 'public/icons/icon-512.png'),
  render(maskable, 512, 'public/icons/icon-maskable-512.png'),
  render(maskable, 180, 'public/icons/apple-touch-icon.png'),
]);
console.log('wrote public/favicon.svg and public/icons/*.png');
