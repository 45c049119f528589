"""mmengine's CheckpointHook, changed so that no interruption or full disk loses a run."""
import os
import os.path as osp
import re
from typing import Dict, List, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from mmseg.registry import HOOKS

from ...compat.resume import LAST_CHECKPOINT_FILE
from ..atomic_local_backend import ATOMIC_LOCAL_BACKEND

#: Temporary files of a write that a kill interrupted (see ``atomic_write``).
_LEFTOVER = re.compile(r'^\.(?:.+\.pth|' + LAST_CHECKPOINT_FILE + r')\.[A-Za-z0-9_]+\.tmp$')


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """A ``CheckpointHook`` whose checkpoints survive a kill or a full disk at any moment.

    It takes every option of mmengine's ``CheckpointHook``. Three things differ:

    * Checkpoints and ``last_checkpoint`` are written to a temporary file in the same folder,
      flushed and renamed into place (:class:`~mmseg_r2mrf.engine.AtomicLocalBackend`), so no
      file under a final name is ever partial. mmengine writes in place.
    * A checkpoint that ``max_keep_ckpts`` or a better ``save_best`` score makes obsolete is
      deleted only after its successor and ``last_checkpoint`` are in place. mmengine deletes
      first, so a kill in between leaves nothing to resume from with ``max_keep_ckpts=1``.
    * ``last_checkpoint`` names the checkpoint relative to the work directory, so a moved or
      copied work directory resumes from its own files; on resume, best-checkpoint paths that
      point outside the folder are taken to mean this folder's files, so a copy never deletes
      the original's. Leftover temporary files of an interrupted write are removed.

    Remote ``out_dir`` (``s3://``, ...) and explicit ``backend_args`` keep mmengine's writes.
    """

    def before_train(self, runner) -> None:
        out_dir = self.out_dir or runner.work_dir
        if self.backend_args is None and self.file_client_args is None and \
                '://' not in str(out_dir):
            self.backend_args = dict(backend=ATOMIC_LOCAL_BACKEND)
        super().before_train(runner)
        if is_main_process() and osp.isdir(self.out_dir):
            self._remove_leftovers(runner)
        self._set_best_paths({
            key: self._in_out_dir(path) for key, path in self._best_paths().items()})

    def _in_out_dir(self, path: Optional[str]) -> Optional[str]:
        if path is None or osp.dirname(osp.abspath(path)) == osp.abspath(self.out_dir):
            return path
        return osp.join(self.out_dir, osp.basename(path))

    def _remove_leftovers(self, runner) -> None:
        for name in os.listdir(self.out_dir):
            if _LEFTOVER.match(name):
                os.remove(osp.join(self.out_dir, name))
                runner.logger.info(f'Removed {name}, left by an interrupted checkpoint write.')

    def _best_paths(self) -> Dict[Optional[str], Optional[str]]:
        """The current best checkpoint per key indicator (key None when there is one)."""
        if self.save_best is None:
            return {}
        if len(self.key_indicators) == 1:
            return {None: getattr(self, 'best_ckpt_path', None)}
        return dict(getattr(self, 'best_ckpt_path_dict', {}))

    def _set_best_paths(self, paths: Dict[Optional[str], Optional[str]]) -> None:
        if None in paths:
            self.best_ckpt_path = paths[None]
        elif paths:
            self.best_ckpt_path_dict.update(paths)

    def _remove(self, path: str, runner, why: str) -> None:
        if is_main_process() and self.file_backend.isfile(path):
            self.file_backend.remove(path)
            runner.logger.info(f'Removed {path}: {why}.')

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        expired: List[int] = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                expired.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, filename, self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta, by_epoch=self.by_epoch, backend_args=self.backend_args, **self.args)
        if not is_main_process():
            return
        self._write_pointer(runner)
        for old_step in expired:
            self._remove(self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(
                old_step)), runner, f'max_keep_ckpts={self.max_keep_ckpts}')

    def _write_pointer(self, runner) -> None:
        work_dir = osp.abspath(runner.work_dir)
        last = osp.abspath(self.last_ckpt)
        inside = osp.commonpath([work_dir, last]) == work_dir
        self.file_backend.put_text(osp.relpath(last, work_dir) if inside else last,
                                   osp.join(work_dir, LAST_CHECKPOINT_FILE))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        previous = self._best_paths()
        # With no previous best on record, mmengine deletes nothing; we delete it afterwards.
        self._set_best_paths({key: None for key in previous})
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            current = self._best_paths()
            self._set_best_paths({key: current.get(key) or old for key, old in previous.items()})
            for key, old in previous.items():
                if old and current.get(key) and current[key] != old:
                    self._remove(old, runner, 'a better checkpoint replaces it')
