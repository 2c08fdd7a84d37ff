// Holds the live session for each model role and swaps models safely: a replacement is read,
// verified and warmed up completely before it takes over, so a corrupt download leaves the
// previous model in service.
import type { ModelEntry, ModelRole } from '../core/model-manifest.ts';
import { ModelError } from './errors.ts';
import { verifyModelBytes } from './integrity.ts';
import { ModelSession, type ProviderName } from './session.ts';

export type ReadFile = (file: string) => Promise<Uint8Array>;

export interface LoadedModel {
  entry: ModelEntry;
  session: ModelSession;
}

export interface HostedModelStatus {
  id: string;
  version: string;
  precision: string;
  sha256: string;
  provider: string;
  warmupMs: number;
  lastRunMs: number;
  roles: ModelRole[];
  /** Providers tried first that failed, and why (shown on Diagnostics). */
  fallbacks: { provider: string; error: string }[];
}

export class ModelHost {
  private readonly byRole = new Map<ModelRole, LoadedModel>();

  constructor(
    private readonly readFile: ReadFile,
    private readonly providers: ProviderName[] = ['webgpu', 'wasm'],
  ) {}

  get(role: ModelRole): LoadedModel | undefined {
    return this.byRole.get(role);
  }

  require(role: ModelRole): LoadedModel {
    const m = this.byRole.get(role);
    if (!m) throw new ModelError('missing-role', `no model is loaded for the "${role}" role`);
    return m;
  }

  /** Loads `entry` for all its roles; on any failure throws ModelError and changes nothing. */
  async load(entry: ModelEntry, preloadedBytes?: Uint8Array): Promise<LoadedModel> {
    let bytes: Uint8Array;
    try {
      bytes = preloadedBytes ?? (await this.readFile(entry.file));
    } catch (e) {
      throw new ModelError('load', `cannot read model file ${entry.file}: ${e instanceof Error ? e.message : String(e)}`, entry.id, { cause: e });
    }
    await verifyModelBytes(entry, bytes);
    let session: ModelSession;
    try {
      session = await ModelSession.create(bytes, this.providers, [1, 3, entry.input.size, entry.input.size]);
    } catch (e) {
      throw new ModelError('load', `model ${entry.file} passed its integrity check but could not be run: ${e instanceof Error ? e.message : String(e)}`, entry.id, { cause: e });
    }
    const loaded = { entry, session };
    const replaced = new Set<LoadedModel>();
    for (const role of entry.roles) {
      const old = this.byRole.get(role);
      if (old) replaced.add(old);
      this.byRole.set(role, loaded);
    }
    for (const old of replaced) if (![...this.byRole.values()].includes(old)) await old.session.release();
    return loaded;
  }

  status(): HostedModelStatus[] {
    const seen = new Set<LoadedModel>();
    const out: HostedModelStatus[] = [];
    for (const m of this.byRole.values()) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push({
        id: m.entry.id, version: m.entry.version, precision: m.entry.precision, sha256: m.entry.sha256,
        provider: m.session.provider, warmupMs: m.session.warmupMs, lastRunMs: m.session.lastRunMs, roles: m.entry.roles,
        fallbacks: m.session.fallbacks,
      });
    }
    return out;
  }

  async releaseAll(): Promise<void> {
    const all = new Set(this.byRole.values());
    this.byRole.clear();
    for (const m of all) await m.session.release();
  }
}
