/**
 * What `circle doctor` returns: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { DoctorReport } from '../doctor.js';

/** `--json` result of doctor. */
export type DoctorResult = DoctorReport;
