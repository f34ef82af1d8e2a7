/* fixture.h — what every fixture test calls; each fixture NAME.c defines it. */
#ifndef FIXTURE_H
#define FIXTURE_H
int fixture_add(int a, int b);
#endif
