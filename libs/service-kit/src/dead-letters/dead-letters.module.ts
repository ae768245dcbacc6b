import { Controller, DynamicModule, Get, HttpCode, Inject, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { cursorShape } from '../http/cursor-codec';
import { PagedList, PageQuery } from '../http/paged-list.decorators';
import { ApiAnswer } from '../openapi/api-answer.decorators';
import { DeadLetterGroupDto, ReplayAnswerDto } from '../openapi/common-answers.dto';
import { pageOf, pageRequest, RawPageQuery, rowsToRead } from '../http/pagination';

/** One consumer group's parked events as operators see and replay them (the messaging library's EventConsumer is one). */
export interface DeadLetterQueue {
  readonly groupId: string;
  readonly deadLetterTopic: string;
  parkedMessages(): Promise<number>;
  /** every parked event back through the handler: handled ones leave a no-op behind, failing ones are parked anew */
  replayParked(): Promise<{ replayed: number }>;
}

const DEAD_LETTER_QUEUES = Symbol('DeadLetterQueues');
const GROUP_CURSOR = cursorShape({ group: 'text' });

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
  @PagedList({ items: 'consumer groups by name, each with its dead-letter topic and how many messages it holds', item: DeadLetterGroupDto })
  @Roles('lead', 'analyst', 'service')
  async list(@PageQuery() query: RawPageQuery) {
    const page = pageRequest(query, GROUP_CURSOR);
    // a handful of groups, known at start: paged in memory, the count asked only of those shown
    const groups = [...this.queues].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)).filter((queue) => !page.after || queue.groupId > page.after.group);
    const shown = pageOf(groups.slice(0, rowsToRead(page)), page, (queue) => ({ group: queue.groupId }));
    const items = await Promise.all(
      shown.items.map(async (queue) => ({ group: queue.groupId, deadLetterTopic: queue.deadLetterTopic, parkedMessages: await queue.parkedMessages() })),
    );
    return { items, nextCursor: shown.nextCursor };
  }

  @Post(':group/replay')
  @HttpCode(200)
  @ApiAnswer(ReplayAnswerDto)
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
