/**
 * PUT of a file to a presigned URL with XMLHttpRequest, because fetch cannot report upload
 * progress. The URL carries its own authorisation (signature), so no token is sent.
 */
import { errorMessageOf } from './http';

export interface UploadHandle {
  done: Promise<void>;
  abort(): void;
}

export class UploadAborted extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'UploadAborted';
  }
}

export function uploadWithProgress(url: string, file: Blob, onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      reject(new Error(`The upload was refused: ${errorMessageOf(body, xhr.status, xhr.statusText)}`));
    };
    xhr.onerror = () => {
      // A browser reports a CORS refusal and a dead network the same way: status 0, no text.
      const origin = new URL(url, location.href).origin;
      const hint = origin === location.origin ? '' : ` The upload address (${origin}) is not this page's origin: open the dashboard at that address, or allow this origin in the bucket's CORS rules.`;
      reject(new Error(`The upload could not reach the storage.${hint}`));
    };
    xhr.onabort = () => reject(new UploadAborted());
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
