import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, HubActor, Roles } from '@hub/common';
import { USER_ROLES } from '@hub/store';
import { CreateUserDto, UpdateUserDto } from './auth.dto';
import { CredentialsService, type UserView } from './credentials.service';

/** People who use the hub's API; administrators only (docs/security.md). */
@ApiTags('admin: users and API keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('auth/users')
export class UsersController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ApiOperation({ summary: 'Every user (never their password hash)' })
  list(): Promise<UserView[]> {
    return this.credentials.users();
  }

  @Post()
  @ApiOperation({ summary: 'Create a user: unit_staff (with unitCode), operator, supervisor or admin' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['username', 'password', 'role'],
      properties: { username: { type: 'string' }, password: { type: 'string', minLength: 12 }, role: { type: 'string', enum: [...USER_ROLES] }, unitCode: { type: 'string' } },
    },
  })
  create(@CurrentActor() actor: HubActor, @Body() body: CreateUserDto): Promise<UserView> {
    return this.credentials.createUser(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Disable/enable a user or set a new password' })
  @ApiBody({ schema: { type: 'object', properties: { active: { type: 'boolean' }, password: { type: 'string', minLength: 12 } } } })
  update(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.credentials.updateUser(actor, id, body);
  }
}
