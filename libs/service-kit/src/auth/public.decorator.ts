import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'service-kit:public';

/** Lets a route or controller through without a token (health, metrics, docs, webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
