import type { ProjectRole } from '@infergate/store';

export interface ProjectView {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  /** The creator's email. */
  readonly owner: string;
  readonly created: string;
}

export interface ProjectMemberView {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly role: ProjectRole;
  readonly added: string;
}
