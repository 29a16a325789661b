import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@hub/common';
import { sendOpen311, splitSuffix } from './open311-http';
import { Open311IntakeService } from './open311-intake.service';
import { Open311Service } from './open311.service';

type Q = Record<string, unknown>;
const ctx = (req: FastifyRequest, format: 'xml' | 'json', query: Q) => ({ format, query, ip: req.ip });
const FORMAT = { name: 'format', enum: ['xml', 'json'], description: 'xml (required by the spec) or json' };
const text = { type: 'string' };
/** The form of POST requests (GeoReport v2); `attribute[code]` per the service definition. */
const REQUEST_FORM = {
  type: 'object',
  required: ['api_key', 'service_code'],
  properties: {
    api_key: text, jurisdiction_id: { type: 'string', example: '310000' }, service_code: { type: 'string', example: '0603' },
    lat: { type: 'number' }, long: { type: 'number' }, address_string: text, address_id: text, description: { type: 'string', maxLength: 4000 },
    media_url: { type: 'string', format: 'uri' }, email: text, first_name: text, last_name: text, phone: text, device_id: text, account_id: text,
    'attribute[region]': { type: 'string', example: '310115' }, 'attribute[kind]': text, 'attribute[urgency]': text, 'attribute[confidential]': text,
  },
};
const UPDATE_FORM = {
  type: 'object',
  required: ['api_key', 'service_request_id', 'updated_datetime', 'description'],
  properties: {
    api_key: text, jurisdiction_id: text, service_request_id: text, update_id: text, updated_datetime: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['OPEN', 'CLOSED'] }, description: text, media_url: text, email: text, first_name: text, last_name: text, account_id: text,
  },
};

/**
 * Open311 GeoReport v2 and FixMyStreet's updates (docs/open311.md). Public: reads need no key,
 * POSTs carry `api_key` in the form. Every answer, errors included, is in the spec's format.
 */
@ApiTags('open311: GeoReport v2')
@ApiProduces('text/xml', 'application/json')
@Public()
@Controller('open311/v2')
export class Open311Controller {
  constructor(
    private readonly reads: Open311Service,
    private readonly writes: Open311IntakeService,
  ) {}

  @Get('discovery.:format')
  @ApiOperation({ summary: 'Service discovery' })
  @ApiParam(FORMAT)
  discovery(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, f, (format) => this.reads.discovery(ctx(req, format, q), `${req.protocol}://${req.hostname}/open311/v2`));
  }

  @Get('services.:format')
  @ApiOperation({ summary: 'GET Service List: the directory categories' })
  @ApiParam(FORMAT)
  @ApiQuery({ name: 'jurisdiction_id', required: false, description: 'the directory jurisdiction, e.g. 310000' })
  services(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, f, (format) => this.reads.services(ctx(req, format, q)));
  }

  @Get('services/:file')
  @ApiOperation({ summary: 'GET Service Definition: `services/{service_code}.{format}`, the attributes' })
  @ApiParam({ name: 'file', description: '{service_code}.xml or {service_code}.json' })
  definition(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('file') file: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, file.slice(file.lastIndexOf('.') + 1), (format) => this.reads.definition(ctx(req, format, q), splitSuffix(file).name));
  }

  @Post('requests.:format')
  @ApiOperation({ summary: 'POST Service Request (application/x-www-form-urlencoded; api_key required)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: REQUEST_FORM })
  @ApiParam(FORMAT)
  create(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string): Promise<void> {
    return sendOpen311(r, f, (format) => this.writes.postRequest(ctx(req, format, {}), req.body));
  }

  @Get('requests.:format')
  @ApiOperation({ summary: 'GET Service Requests: service_request_id list, service_code, start_date, end_date, status; page/page_size' })
  @ApiParam(FORMAT)
  requests(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, f, (format) => this.reads.requests(ctx(req, format, q)));
  }

  @Get('requests/:file')
  @ApiOperation({ summary: 'GET Service Request: `requests/{service_request_id}.{format}`' })
  request(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('file') file: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, file.slice(file.lastIndexOf('.') + 1), (format) => this.reads.request(ctx(req, format, q), splitSuffix(file).name));
  }

  @Get('tokens/:file')
  @ApiOperation({ summary: 'GET service_request_id from a token (requests are realtime: the token is the id)' })
  token(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('file') file: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, file.slice(file.lastIndexOf('.') + 1), (format) => this.reads.token(ctx(req, format, q), splitSuffix(file).name));
  }

  @Get('servicerequestupdates.:format')
  @ApiOperation({ summary: "FixMyStreet's GET Service Request Updates: status changes between start_date and end_date" })
  @ApiParam(FORMAT)
  updates(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string, @Query() q: Q): Promise<void> {
    return sendOpen311(r, f, (format) => this.reads.updates(ctx(req, format, q)));
  }

  @Post('servicerequestupdates.:format')
  @ApiOperation({ summary: "FixMyStreet's POST Service Request Update: a citizen's follow-up (补充); api_key required" })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: UPDATE_FORM })
  @ApiParam(FORMAT)
  postUpdate(@Req() req: FastifyRequest, @Res() r: FastifyReply, @Param('format') f: string): Promise<void> {
    return sendOpen311(r, f, (format) => this.writes.postUpdate(ctx(req, format, {}), req.body));
  }
}
