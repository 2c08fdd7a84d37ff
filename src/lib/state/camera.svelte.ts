// The camera's life: off → starting → live, or failed with a reason the Check screen turns into
// "choose a photo instead". A camera that disappears mid-use (unplugged, revoked) ends up there too.
import { CaptureError, cameraErrorFrom } from '../capture/capture-error.ts';
import { CameraSource } from '../capture/camera.ts';

export class CameraState {
  status = $state<'off' | 'starting' | 'live' | 'failed'>('off');
  problem = $state<CaptureError | null>(null);
  torchSupported = $state(false);
  torchOn = $state(false);
  source = $state.raw<CameraSource | null>(null);

  async start(video: HTMLVideoElement): Promise<void> {
    if (this.status === 'starting' || this.status === 'live') return;
    this.status = 'starting';
    this.problem = null;
    try {
      const source = await CameraSource.open(video);
      source.onEnded(() => {
        if (this.source !== source) return;
        this.#drop(new CaptureError('camera-ended', 'The camera was disconnected. Reconnect it, or choose a photo.'));
      });
      this.source = source;
      this.torchSupported = source.torchSupported;
      this.torchOn = false;
      this.status = 'live';
    } catch (error) {
      this.#drop(cameraErrorFrom(error));
    }
  }

  async toggleTorch(): Promise<void> {
    if (!this.source || !this.torchSupported) return;
    const on = !this.torchOn;
    try {
      await this.source.setTorch(on);
      this.torchOn = on;
    } catch {
      this.torchSupported = false;
    }
  }

  /** The associate has moved on (chose a photo); the camera stays off until retried. */
  dismissProblem(): void {
    this.problem = null;
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.torchOn = false;
    this.status = 'off';
  }

  #drop(problem: CaptureError): void {
    this.source?.close();
    this.source = null;
    this.torchOn = false;
    this.torchSupported = false;
    this.problem = problem;
    this.status = 'failed';
  }
}
