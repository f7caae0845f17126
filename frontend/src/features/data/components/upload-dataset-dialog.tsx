import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FileTextIcon, UploadIcon, XIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';
import type { AppError } from '@/lib/errors';
import { cn } from '@/lib/cn';
import { formatBytes } from '@/lib/format';

import { uploadDataset, type UploadHandle, type UploadProgress } from '../api/upload-dataset';
import { ACCEPTED_EXTENSIONS, nameFromFile, precheckFile } from '../lib/dataset-format';

type Phase = { kind: 'idle' } | { kind: 'uploading'; progress: UploadProgress } | { kind: 'failed'; error: AppError };

const MAX_NAME = 200;

function ProgressBar({ progress, fileName }: { progress: UploadProgress; fileName: string }) {
  const percent = progress.total > 0 ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : 0;
  const sent = percent >= 100;
  return (
    <div className="upload-progress">
      <div className="upload-progress__label">
        <span>{sent ? 'Upload complete. Reading and checking the file…' : `Uploading ${fileName}`}</span>
        <span className="upload-progress__numbers">
          {formatBytes(progress.loaded)} of {formatBytes(progress.total)} · {percent}%
        </span>
      </div>
      <div
        className={cn('upload-progress__track', sent && 'upload-progress__track--processing')}
        role="progressbar"
        aria-label={`Uploading ${fileName}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={sent ? 'Uploaded, processing' : `${percent}%`}
      >
        <div className="upload-progress__bar" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/**
 * Uploads a file as a new dataset: name (defaults to the file's name), file by picker or
 * drag-and-drop, a determinate progress bar, then the dataset's page — or the server's
 * message, verbatim.
 */
export function UploadDatasetDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const inputId = useId();
  const fileInputRef = useRef<HTMLInputElement>(null);
  const handleRef = useRef<UploadHandle | null>(null);
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>();
  const [nameError, setNameError] = useState<string | undefined>();
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const uploading = phase.kind === 'uploading';

  // Leaving the page (or closing) mid-upload stops the request.
  useEffect(() => () => handleRef.current?.abort(), []);

  const choose = (chosen: File | null | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    setFileError(precheckFile(chosen) ?? undefined);
    if (phase.kind === 'failed') setPhase({ kind: 'idle' });
    if (!nameEdited || !name.trim()) {
      setName(nameFromFile(chosen.name).slice(0, MAX_NAME));
      setNameError(undefined);
    }
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    if (uploading) return;
    choose(event.dataTransfer.files[0]);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (uploading) return;
    const trimmed = name.trim();
    const problems = {
      file: file ? precheckFile(file) : 'Choose a file to upload.',
      name: trimmed ? undefined : 'Enter a name for the dataset.',
    };
    setFileError(problems.file ?? undefined);
    setNameError(problems.name);
    if (!file || problems.file || problems.name) return;

    setPhase({ kind: 'uploading', progress: { loaded: 0, total: file.size } });
    const handle = uploadDataset({ name: trimmed, file }, (progress) => setPhase({ kind: 'uploading', progress }));
    handleRef.current = handle;
    const result = await handle.result;
    if (handleRef.current !== handle) return;
    handleRef.current = null;
    if (result.ok) {
      void navigate(paths.app.dataset.getHref(result.dataset.id));
      return;
    }
    if (result.error.code === 'ABORTED') setPhase({ kind: 'idle' });
    else setPhase({ kind: 'failed', error: result.error });
  };

  const cancelUpload = () => {
    handleRef.current?.abort();
  };

  return (
    <Dialog
      title="Upload a dataset"
      description="CSV, TSV, TXT or Parquet. Phantom ML Studio profiles every column once it arrives."
      onClose={onClose}
      busy={uploading}
      footer={
        uploading ? (
          <Button variant="secondary" onClick={cancelUpload}>
            Cancel upload
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" form={`${inputId}-form`} icon={<UploadIcon size={16} />}>
              Upload
            </Button>
          </>
        )
      }
    >
      <form id={`${inputId}-form`} className="upload-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className={cn('field', fileError && 'field--invalid')}>
          <span className="field__label" id={`${inputId}-label`}>
            File
          </span>
          <label
            htmlFor={inputId}
            className={cn('dropzone', dragging && 'dropzone--active', uploading && 'dropzone--disabled')}
            onDragEnter={(event) => {
              event.preventDefault();
              if (!uploading) setDragging(true);
            }}
            onDragOver={(event) => event.preventDefault()}
            onDragLeave={(event) => {
              if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={onDrop}
          >
            <input
              ref={fileInputRef}
              id={inputId}
              type="file"
              className="dropzone__input"
              accept={ACCEPTED_EXTENSIONS.join(',')}
              aria-labelledby={`${inputId}-label`}
              aria-describedby={fileError ? `${inputId}-error` : `${inputId}-hint`}
              aria-invalid={fileError ? true : undefined}
              disabled={uploading}
              onChange={(event) => {
                choose(event.target.files?.[0]);
                // Choosing the same file again after removing it must fire change again.
                event.target.value = '';
              }}
            />
            {file ? (
              <span className="dropzone__file">
                <FileTextIcon size={22} className="dropzone__file-icon" />
                <span className="dropzone__file-text">
                  <strong>{file.name}</strong>
                  <span className="muted">{formatBytes(file.size)} · drop or click to choose another</span>
                </span>
              </span>
            ) : (
              <span className="dropzone__prompt">
                <UploadIcon size={22} className="dropzone__prompt-icon" />
                <strong>Drop a file here or click to choose</strong>
                <span className="muted">{ACCEPTED_EXTENSIONS.join(', ')}</span>
              </span>
            )}
          </label>
          {file && !uploading ? (
            <Button
              variant="ghost"
              size="sm"
              className="dropzone__remove"
              icon={<XIcon size={14} />}
              onClick={() => {
                setFile(null);
                setFileError(undefined);
                fileInputRef.current?.focus();
              }}
            >
              Remove file
            </Button>
          ) : null}
          {fileError ? (
            <p className="field__error" id={`${inputId}-error`} role="alert">
              {fileError}
            </p>
          ) : (
            <p className="field__hint" id={`${inputId}-hint`}>
              The first row holds the column names. The server checks the file and explains anything it cannot read.
            </p>
          )}
        </div>

        <Field
          label="Name"
          value={name}
          maxLength={MAX_NAME}
          disabled={uploading}
          error={nameError}
          hint="Defaults to the file's name. Shown in the datasets list and on experiments."
          onChange={(event) => {
            setName(event.target.value);
            setNameEdited(true);
            if (nameError) setNameError(undefined);
          }}
          autoComplete="off"
        />

        {phase.kind === 'uploading' && file ? <ProgressBar progress={phase.progress} fileName={file.name} /> : null}
        {phase.kind === 'failed' ? (
          <Alert
            role="alert"
            tone="danger"
            title={phase.error.code === 'BAD_USER_INPUT' ? 'The file was not accepted' : 'The upload failed'}
          >
            <ErrorMessage error={phase.error} />
          </Alert>
        ) : null}
      </form>
    </Dialog>
  );
}
