import { Controller, DynamicModule, Get, HttpCode, Inject, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';

/** One consumer group's parked events as operators see and replay them (the messaging library's EventConsumer is one). */
export interface DeadLetterQueue {
  readonly groupId: string;
  readonly deadLetterTopic: string;
  parkedMessages(): Promise<number>;
  /** every parked event back through the handler: handled ones leave a no-op behind, failing ones are parked anew */
  replayParked(): Promise<{ replayed: number }>;
}

const DEAD_LETTER_QUEUES = Symbol('DeadLetterQueues');

/**
 * ARCHITECTURE.md: parked events can be replayed. After the cause is fixed and deployed, an operator
 * (a lead, or an ops system with a service token) replays a group's dead letters here.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/dead-letters')
class DeadLettersController {
  constructor(@Inject(DEAD_LETTER_QUEUES) private readonly queues: readonly DeadLetterQueue[]) {}

  /** each consumer group of this service, with how many messages its dead-letter topic holds */
  @Get()
  @Roles('lead', 'analyst', 'service')
  async list() {
    return Promise.all(this.queues.map(async (queue) => ({ group: queue.groupId, deadLetterTopic: queue.deadLetterTopic, parkedMessages: await queue.parkedMessages() })));
  }

  @Post(':group/replay')
  @HttpCode(200)
  @Roles('lead', 'service')
  async replay(@Param('group') group: string) {
    const queue = this.queues.find((q) => q.groupId === group);
    if (!queue) throw new NotFoundException(`no consumer group ${group} in this service`);
    return { group, ...(await queue.replayParked()) };
  }
}

@Module({})
export class DeadLettersModule {
  static register(queues: readonly DeadLetterQueue[]): DynamicModule {
    return { module: DeadLettersModule, controllers: [DeadLettersController], providers: [{ provide: DEAD_LETTER_QUEUES, useValue: queues }] };
  }
}
