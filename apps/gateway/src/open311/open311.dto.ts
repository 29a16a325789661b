import { IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** `POST /auth/api-keys` for an Open311 client: `{"kind": "open311", "name": "…"}`. */
export class CreateOpen311KeyDto {
  @IsDefined() @IsIn(['open311']) kind!: 'open311';
  /** who the client is (an app, a kiosk, a platform), shown in key lists and the audit */
  @IsDefined() @IsString() @Matches(/^\S(.{0,98}\S)?$/u, { message: 'name must be 1–100 characters without leading or trailing spaces' }) name!: string;
  @IsOptional() @IsInt() @Min(1) @Max(730) expiresInDays?: number;
}

export class RotateOpen311KeyDto {
  @IsOptional() @IsInt() @Min(0) @Max(720) overlapHours?: number;
  @IsOptional() @IsInt() @Min(1) @Max(730) expiresInDays?: number;
}
