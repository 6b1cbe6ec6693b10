import { BaseCommand } from './base-command.js';
import { CircleError } from '../core/errors.js';

/**
 * A topic whose commands are not built yet: it shows in `circle --help` with what
 * it will do, and running it says so plainly (exit 2) instead of "command not found".
 */
export abstract class ComingTopicCommand extends BaseCommand<typeof ComingTopicCommand> {
  static topic = '';

  async run(): Promise<never> {
    await this.parse(this.ctor);
    const topic = (this.ctor as typeof ComingTopicCommand).topic;
    throw new CircleError('USAGE', `circle ${topic} is not available in this release yet`, {
      hint: 'Run `circle --help` for the commands available now.',
    });
  }
}
