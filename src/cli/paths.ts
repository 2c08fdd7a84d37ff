// Where the CLI finds its models and keeps its cache. Both can be moved with environment
// variables (INTACT_MODELS: a manifest.json; INTACT_CACHE_DIR: a folder) for read-only installs.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function manifestPath(): string {
  return resolve(process.env.INTACT_MODELS ?? join(projectRoot, 'models', 'manifest.json'));
}

export function cacheDir(): string {
  if (process.env.INTACT_CACHE_DIR) return resolve(process.env.INTACT_CACHE_DIR);
  // Inside the install (like other tools' caches) so it goes away with node_modules; falls
  // back to the user's cache only if the project folder is not writable (checked on write).
  return join(projectRoot, 'node_modules', '.cache', 'intact');
}

export const userCacheDir = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'intact');
