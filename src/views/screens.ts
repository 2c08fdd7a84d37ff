// The app's screens, in navigation order. Adding a screen is one line here.
import type { Component } from 'svelte';

export interface Screen {
  id: string;
  title: string;
  /** An SVG path (24×24 viewBox) for the navigation bar. */
  icon: string;
  load: () => Promise<{ default: Component }>;
}

export const SCREENS: Screen[] = [
  { id: 'check', title: 'Check', icon: 'M4 7h3l2-3h6l2 3h3v13H4z M12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', load: () => import('./Check.svelte') },
  { id: 'gallery', title: 'Gallery', icon: 'M3 5h18v14H3z M3 15l5-5 4 4 3-3 6 6 M15.5 9a1.5 1.5 0 1 0 0-.01', load: () => import('./Gallery.svelte') },
  { id: 'calibrate', title: 'Calibrate', icon: 'M3 3v18h18 M7 15l4-4 3 3 6-7', load: () => import('./Calibrate.svelte') },
  { id: 'diagnostics', title: 'Diagnostics', icon: 'M4 20V10 M10 20V4 M16 20v-7 M22 20H2', load: () => import('./Diagnostics.svelte') },
];

export const HOME_SCREEN = 'check';
