// The barcode cross-check is pure logic shared with the pipeline, so it lives in core; this
// path stays for the app code that imported it from capture.
export * from '../core/barcode-match.ts';
