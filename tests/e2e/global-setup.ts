import { writeFakeCamera } from './fake-camera.ts';

export default async function globalSetup(): Promise<void> {
  await writeFakeCamera();
}
