import { ComingTopicCommand } from '../../cli/coming.js';

export default class PkgTopic extends ComingTopicCommand {
  static override topic = 'pkg';
  static override summary = 'Pack, sign, publish, install and verify packages (coming).';
  static override examples = ['<%= config.bin %> pkg'];
}
