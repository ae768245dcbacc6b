import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** What the OpenAPI page says about the service. */
export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
}

/** Name of the bearer scheme in the document; use it with `@ApiBearerAuth(BEARER_AUTH)` if needed. */
export const BEARER_AUTH = 'bearer';

/** Serves Swagger UI at `/docs` and the document at `/docs/openapi.json`, with JWT bearer auth declared. */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version)
    .setDescription(options.description ?? '')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addSecurityRequirements(BEARER_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    raw: ['json'],
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}
