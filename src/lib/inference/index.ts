export { configureOrt, defaultThreads, ortSettings, type OrtConfig } from './ort-env.ts';
export { ModelError, isModelError, type ModelErrorCode } from './errors.ts';
export { verifyModelBytes } from './integrity.ts';
export { ModelHost, type HostedModelStatus, type LoadedModel, type ReadFile } from './model-host.ts';
export { AbortedError, ModelSession, type ProviderName, type TensorData } from './session.ts';
