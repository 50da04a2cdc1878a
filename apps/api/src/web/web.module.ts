import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets';
import { WebController } from './web.controller';

/** The page (apps/web) and the offline GraphiQL, served from dist/web. Registered last: api routes come first. */
@Module({ controllers: [WebController], providers: [WebAssets] })
export class WebModule {}
