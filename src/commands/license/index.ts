import { ComingTopicCommand } from '../../cli/coming.js';

export default class LicenseTopic extends ComingTopicCommand {
  static override topic = 'license';
  static override summary = 'Issue, verify and revoke Ed25519-signed offline licenses (coming).';
  static override examples = ['<%= config.bin %> license'];
}
