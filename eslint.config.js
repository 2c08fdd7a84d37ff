// Lint guards the layer boundaries from DESIGN.md: imports only point downwards, and exactly one
// module (src/lib/inference) touches onnxruntime-web.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const upperLayers = (...layers) => layers.map((l) => `**/lib/${l}/**`);
const onnxOnlyInInference = { name: 'onnxruntime-web', message: 'Only src/lib/inference may import onnxruntime-web.' };
const restrict = (patterns, paths = [onnxOnlyInInference]) => ({
  'no-restricted-imports': ['error', { paths, patterns: patterns.length ? [{ group: patterns, message: 'Imports only point downwards (see DESIGN.md layers).' }] : [] }],
});

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'models/.work/', 'playwright-report/', 'test-results/', 'dev-dist/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  { files: ['src/lib/core/**'], rules: restrict(upperLayers('inference', 'gallery', 'capture', 'worker', 'state', 'pipeline'), [onnxOnlyInInference, { name: 'idb', message: 'core is pure TypeScript.' }]) },
  { files: ['src/lib/inference/**'], rules: restrict(upperLayers('gallery', 'capture', 'worker', 'state', 'pipeline'), []) },
  { files: ['src/lib/gallery/**', 'src/lib/capture/**'], rules: restrict(upperLayers('worker', 'state')) },
  { files: ['src/lib/pipeline/**'], rules: restrict(upperLayers('gallery', 'capture', 'worker', 'state')) },
  { files: ['src/lib/worker/**'], rules: restrict(upperLayers('state')) },
  { files: ['src/lib/state/**', 'src/components/**', 'src/views/**', 'src/cli/**', 'src/*.ts', 'src/*.svelte'], rules: restrict([]) },
);
