#!/usr/bin/perl
# Bulk import of an mboxrd file into the public-inbox inbox NAME (found in
# $PI_CONFIG), for bench/run.sh --peers.
#
#   PI_CONFIG=... perl bench/pi-import.pl NAME FILE.mbox
#
# public-inbox 1.9 packages no mbox import command. This is the library call
# upstream's scripts/import_vger_from_mbox makes (without its vger filter),
# the same as research/peers.md: InboxWritable->import_mbox, which for a v2
# inbox stores every message in git (git fast-import) AND indexes it (SQLite
# over/msgmap, Xapian full text with positions) in the same pass, in
# parallel with the Xapian shard processes. -no_fsync is what
# `public-inbox-index --no-fsync` sets for bulk loads.
use strict;
use warnings;
use PublicInbox::Config;
use PublicInbox::InboxWritable;

my ($name, $file) = @ARGV;
die "usage: $0 NAME FILE.mbox\n" unless defined $file;
my $cfg = PublicInbox::Config->new;
my $ibx = $cfg->lookup_name($name) or die "no inbox '$name' in PI_CONFIG\n";
$ibx = PublicInbox::InboxWritable->new($ibx);
$ibx->{-no_fsync} = 1;
open(my $fh, '<', $file) or die "$file: $!\n";
$ibx->import_mbox($fh, 'mboxrd');
