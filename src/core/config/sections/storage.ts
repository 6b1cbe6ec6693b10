import { z } from 'zod';

/** `storage.*`: the object store commands use when they are given no URL. */
export const storageSection = {
  'storage.url': z
    .string()
    .max(2048)
    .default('')
    .describe('Object store used when a command gets no --store: file:///path, s3://bucket/prefix?…, azblob://account/container/prefix?…; empty = <home>/storage.'),
};

type StorageValues = { [K in keyof typeof storageSection]: z.output<(typeof storageSection)[K]> };

export interface StoragePolicy {
  /** The default store URL; undefined = `<home>/storage`. */
  url: string | undefined;
}

export function storagePolicy(values: StorageValues): StoragePolicy {
  return { url: values['storage.url'] === '' ? undefined : values['storage.url'] };
}
