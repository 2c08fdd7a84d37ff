import { CaptureError, cameraErrorFrom } from './capture-error.ts';
import type { Frame, FrameSource } from './frame.ts';

// The device camera through getUserMedia. The rear camera is preferred (the associate points the
// phone at the item), but any camera is accepted so laptops and fake devices work too.

const PREFERRED_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 }, height: { ideal: 1080 } },
};

/** `torch` is a real camera capability in Chromium but missing from TypeScript's DOM types. */
type TorchCapabilities = MediaTrackCapabilities & { torch?: boolean };

export class CameraSource implements FrameSource {
  readonly kind = 'camera' as const;
  #closed = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly video: HTMLVideoElement,
  ) {}

  /** Starts the camera and shows it in `video`; rejects with a CaptureError. */
  static async open(video: HTMLVideoElement): Promise<CameraSource> {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new CaptureError('unsupported', 'This browser cannot use the camera here. Choose a photo instead.');
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(PREFERRED_CONSTRAINTS);
    } catch (error) {
      throw cameraErrorFrom(error);
    }
    video.srcObject = stream;
    video.muted = true;
    video.playsInline = true;
    try {
      await video.play();
    } catch (error) {
      stream.getTracks().forEach((t) => t.stop());
      throw cameraErrorFrom(error);
    }
    return new CameraSource(stream, video);
  }

  private get track(): MediaStreamTrack | undefined {
    return this.stream.getVideoTracks()[0];
  }

  get torchSupported(): boolean {
    const track = this.track;
    if (!track || typeof track.getCapabilities !== 'function') return false;
    return (track.getCapabilities() as TorchCapabilities).torch === true;
  }

  async setTorch(on: boolean): Promise<void> {
    const track = this.track;
    if (!track || !this.torchSupported) return;
    await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
  }

  /** Calls `listener` once if the camera goes away (unplugged, revoked, taken by another app). */
  onEnded(listener: () => void): void {
    this.track?.addEventListener('ended', listener, { once: true });
  }

  async grab(signal?: AbortSignal): Promise<Frame> {
    signal?.throwIfAborted();
    if (this.#closed) throw new CaptureError('closed', 'The camera is off. Start it again.');
    if (this.track?.readyState !== 'live') {
      throw new CaptureError('camera-ended', 'The camera stopped. Start it again, or choose a photo.');
    }
    if (this.video.videoWidth === 0) {
      throw new CaptureError('camera-busy', 'The camera has not shown a picture yet. Try again in a moment.');
    }
    const image = await createImageBitmap(this.video);
    return { image, source: 'camera', label: 'Camera', capturedAt: Date.now() };
  }

  close(): void {
    this.#closed = true;
    this.stream.getTracks().forEach((t) => t.stop());
    if (this.video.srcObject === this.stream) this.video.srcObject = null;
  }
}
