// A bare Nest 11 app: one controller answering GET /health/live with {status:'ok'}, nothing else (no
// guards, pipes, hooks or logging), on Fastify or Express. The HTTP stack benchmark's baseline, run as a
// process of its own: node dist/bench/support/bare-nest.js <fastify|express> <port>
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

@Controller('health')
class LiveController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [LiveController] })
class BareModule {}

async function main(platform: string, port: number): Promise<void> {
  // without an adapter Nest takes @nestjs/platform-express (a dev dependency, for this baseline only)
  const app = platform === 'fastify' ? await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false }) : await NestFactory.create(BareModule, { logger: false });
  await app.listen(port, '127.0.0.1');
  process.stdout.write('listening\n');
}

main(process.argv[2], Number(process.argv[3])).catch((error) => {
  console.error(error);
  process.exit(1);
});
