import { ComingTopicCommand } from '../../cli/coming.js';

export default class DeployTopic extends ComingTopicCommand {
  static override topic = 'deploy';
  static override summary = 'Render, validate and apply Kubernetes manifests (coming).';
  static override examples = ['<%= config.bin %> deploy'];
}
