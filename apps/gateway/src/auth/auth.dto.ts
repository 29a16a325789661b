import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@hub/common';
import { USER_ROLES, type UserRole } from '@hub/store';

/** Unit codes as the directory writes them (docs/contracts.md#directory): a safe token, never a path. */
export const UNIT_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;

export class LoginDto {
  // The same alphabet as at creation: nothing else can be a username (and NUL cannot reach the database).
  @IsDefined() @IsString() @Matches(USERNAME, { message: 'username must be 3–64 characters of letters, digits and . _ @ -' }) username!: string;
  @IsDefined() @IsString() @Length(1, MAX_PASSWORD_LENGTH) password!: string;
}

export class CreateUserDto {
  @IsDefined() @IsString() @Matches(USERNAME, { message: 'username must be 3–64 characters of letters, digits and . _ @ -' }) username!: string;
  @IsDefined() @IsString() @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) password!: string;
  @IsDefined() @IsIn([...USER_ROLES]) role!: UserRole;
  @IsOptional() @IsString() @Matches(UNIT_CODE, { message: 'unitCode must be a unit code of the directory' }) unitCode?: string;
}

export class UpdateUserDto {
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) password?: string;
}

/** `POST /auth/api-keys`: a unit's key (`unitCode`), or with `kind: "open311"` an Open311 client's (`name`, docs/open311.md). */
export class CreateApiKeyDto {
  @IsOptional() @IsIn(['unit', 'open311']) kind?: 'unit' | 'open311';
  /** required for a unit's key */
  @ValidateIf((k: CreateApiKeyDto) => k.kind !== 'open311')
  @IsDefined()
  @IsString()
  @Matches(UNIT_CODE, { message: 'unitCode must be a unit code of the directory' })
  unitCode!: string;
  /** required for an Open311 client's key: who the client is (an app, a kiosk, a platform), shown in key lists and the audit */
  @ValidateIf((k: CreateApiKeyDto) => k.kind === 'open311')
  @IsDefined()
  @IsString()
  @Matches(/^\S(.{0,98}\S)?$/u, { message: 'name must be 1–100 characters without leading or trailing spaces' })
  name!: string;
  @IsOptional() @IsInt() @Min(1) @Max(730) expiresInDays?: number;
}

export class RotateApiKeyDto {
  /** how long the old key keeps working next to the new one */
  @IsOptional() @IsInt() @Min(0) @Max(720) overlapHours?: number;
  @IsOptional() @IsInt() @Min(1) @Max(730) expiresInDays?: number;
}

export class ChangeOwnPasswordDto {
  @IsDefined() @IsString() @Length(1, MAX_PASSWORD_LENGTH) currentPassword!: string;
  @IsDefined() @IsString() @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) newPassword!: string;
}

