import { Router } from 'express';
import { z } from 'zod';
import { hashPassword } from '../../auth/passwords';
import { db, Prisma } from '../../db';
import { Conflict, NotFound, ValidationError } from '../../errors';
import { can } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { parseInput } from '../validate';

export const pages = Router();

const role = z.enum(['admin', 'operator', 'viewer'], { error: 'choose admin, operator or viewer' });
export const NewUserInput = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[\w.@+-]{1,150}$/, 'letters, digits and @ . + - _ only (at most 150)'),
  password: z.string().min(12, 'at least 12 characters').max(1024),
  role,
});
export const EditUserInput = z.object({ role, disabled: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()) });

async function renderList(res: import('express').Response, extra: object = {}, status = 200) {
  const users = await db().user.findMany({
    orderBy: { username: 'asc' },
    include: { _count: { select: { tokens: true } } },
  });
  res.status(status).render('users/list.njk', { users, values: {}, errors: {}, ...extra });
}

pages.get('/', can('view', 'user'), (_req, res) => renderList(res));

pages.post('/', can('add', 'user'), async (req, res) => {
  try {
    const input = parseInput(NewUserInput, req.body);
    await db().user.create({
      data: { username: input.username, role: input.role, passwordHash: await hashPassword(input.password) },
    });
    flash(req, 'success', `User ${input.username} created.`);
    res.redirect('/admin/users');
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      return renderList(
        res,
        { values: { ...req.body, password: '' }, errors: { username: 'this username is taken' } },
        409,
      );
    }
    if (err instanceof ValidationError)
      return renderList(res, { values: { ...req.body, password: '' }, errors: err.fields }, 400);
    throw err;
  }
});

pages.post('/:id', can('change', 'user'), async (req, res) => {
  const input = parseInput(EditUserInput, req.body);
  const id = Number(req.params.id) || 0;
  const user = await db().user.findUnique({ where: { id } });
  if (!user) throw new NotFound('user');
  if (id === req.user!.id && (input.disabled || input.role !== 'admin'))
    throw new Conflict('you cannot disable yourself or remove your own admin role');
  await db().user.update({ where: { id }, data: input });
  flash(req, 'success', `User ${user.username} updated.`);
  res.redirect('/admin/users');
});
