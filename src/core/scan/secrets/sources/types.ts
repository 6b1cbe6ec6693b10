/** A piece of text to scan and where it came from; `firstLine` maps its lines back to the file. */
export interface ScanChunk {
  path: string;
  text: string;
  /** 1-based line of the file where `text` starts. */
  firstLine: number;
  commit?: string;
  author?: string;
  date?: string;
}
