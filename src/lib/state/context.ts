// The app's state reaches components through Svelte context, not module globals, so each mounted
// app (and each component test) gets its own.
import { getContext, setContext } from 'svelte';
import type { CameraState } from './camera.svelte.ts';
import type { ProductCatalog } from './catalog.ts';
import type { CheckState } from './check.svelte.ts';
import type { EngineState } from './engine.svelte.ts';
import type { RouterState } from './router.svelte.ts';
import type { StorageState } from './storage.svelte.ts';
import type { UpdateState } from './update.svelte.ts';

export interface AppState {
  engine: EngineState;
  check: CheckState;
  camera: CameraState;
  storage: StorageState;
  update: UpdateState;
  router: RouterState;
  catalog: ProductCatalog;
}

const APP = Symbol('intact-app');

export function provideApp(app: AppState): AppState {
  return setContext(APP, app);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(APP);
  if (!app) throw new Error('useApp() called outside the app; wrap the component in App.svelte');
  return app;
}
